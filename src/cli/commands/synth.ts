import { isMainThread, parentPort, workerData } from 'worker_threads';
import { runCommand } from '../run';
import { runSynth } from '../../synth/command';
import { serveRenderThread, type RenderThreadData } from '../../synth/threads';

// The bundle of this command is also what synth's render threads run (see src/synth/threads.ts).
if (isMainThread) runCommand(runSynth);
else serveRenderThread(workerData as RenderThreadData, parentPort!);

import { runCommand } from '../run';
import { runSynth } from '../../synth/command';

runCommand(runSynth);

import { runCommand } from '../run';
import { runBench } from '../../../bench/run';

runCommand(runBench);

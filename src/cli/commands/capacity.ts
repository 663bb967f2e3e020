import { runCommand } from '../run';
import { runCapacity } from '../../../bench/capacity';

runCommand(runCapacity);

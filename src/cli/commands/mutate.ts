import { runCommand } from '../run';
import { runMutate } from '../../../mutation/run';

runCommand(runMutate);

import { runCommand } from '../run';
import { runStatus } from '../../status/command';

runCommand(runStatus);

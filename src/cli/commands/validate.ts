import { runCommand } from '../run';
import { runValidate } from '../../user-space/command';

runCommand(runValidate);

import { runCommand } from '../run';
import { runNew } from '../../new/command';

runCommand(runNew);

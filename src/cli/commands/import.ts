import { runCommand } from '../run';
import { runImport } from '../../import/command';

runCommand(runImport);

import { runCommand } from '../run';
import { runImport } from '../import';

runCommand(runImport);

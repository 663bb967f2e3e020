import { runCommand } from '../run';
import { runValidate } from '../../synth/command';

runCommand(runValidate);

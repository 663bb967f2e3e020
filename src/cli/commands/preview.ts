import { runCommand } from '../run';
import { runPreview } from '../../preview/command';

runCommand(runPreview);

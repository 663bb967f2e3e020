import { runCommand } from '../run';
import { runLogs } from '../../operate/logs';

runCommand(runLogs);

import { runCommand } from '../run';
import { runDashboard } from '../../operate/dashboard';

runCommand(runDashboard);

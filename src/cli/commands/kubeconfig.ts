import { runCommand } from '../run';
import { runKubeconfig } from '../../operate/kubeconfig';

runCommand(runKubeconfig);

// Every screen of the console: its path, the roles that see it in the menu (the server
// decides what they may actually do), and its component. One line per screen.
import { SignedInHome } from './home.jsx';
import { PickListPrint, WarehouseHome, WaveView } from './warehouse.jsx';
import { PackStation } from './warehouse-pack.jsx';
import { PickScan } from './warehouse-scan.jsx';

export const screens = [
  { path: '/', component: SignedInHome, roles: null },
  { path: '/warehouse', component: WarehouseHome, roles: ['admin', 'warehouse'] },
  { path: '/warehouse/waves/:id', component: WaveView, roles: ['admin', 'warehouse'] },
  { path: '/warehouse/picks/:task', component: PickScan, roles: ['admin', 'warehouse'] },
  { path: '/warehouse/picks/:task/list', component: PickListPrint, roles: ['admin', 'warehouse'] },
  { path: '/warehouse/pack/:no', component: PackStation, roles: ['admin', 'warehouse'] },
];

// Every screen of the console: its path, the roles that may open it (the server decides
// what they may actually do), and its component.
import { SignedInHome } from './home.jsx';
import { ExceptionDetail, ExceptionPool } from './exceptions.jsx';
import { NewTicket, ServiceScreen, TicketDetail } from './service.jsx';
import { Orders } from './orders.jsx';
import { OrderDetail } from './orders_detail.jsx';
import { Review } from './review.jsx';
import { PickListPrint, WarehouseHome, WaveView } from './warehouse.jsx';
import { PackStation } from './warehouse-pack.jsx';
import { PickScan } from './warehouse-scan.jsx';
import { UsersScreen } from './admin_users.jsx';
import { SettingsScreen } from './admin_settings.jsx';
import { InventoryScreen } from './inventory.jsx';
import { Dashboard } from './dashboard.jsx';

export const screens = [
  { path: '/', component: SignedInHome, roles: null },
  { path: '/exceptions', component: ExceptionPool, roles: ['admin', 'reviewer', 'customer_service'] },
  { path: '/exceptions/:id', component: ExceptionDetail, roles: ['admin', 'reviewer', 'customer_service'] },
  { path: '/service', component: ServiceScreen, roles: ['admin', 'customer_service'] },
  { path: '/service/tickets/:id', component: TicketDetail, roles: ['admin', 'customer_service'] },
  { path: '/service/new', component: NewTicket, roles: ['admin', 'customer_service'] },
  { path: '/orders', component: Orders, roles: ['admin', 'reviewer', 'warehouse', 'customer_service', 'finance'] },
  { path: '/orders/:no', component: OrderDetail, roles: ['admin', 'reviewer', 'warehouse', 'customer_service', 'finance'] },
  { path: '/review', component: Review, roles: ['admin', 'reviewer'] },
  { path: '/warehouse', component: WarehouseHome, roles: ['admin', 'warehouse'] },
  { path: '/warehouse/waves/:id', component: WaveView, roles: ['admin', 'warehouse'] },
  { path: '/warehouse/picks/:task', component: PickScan, roles: ['admin', 'warehouse'] },
  { path: '/warehouse/picks/:task/list', component: PickListPrint, roles: ['admin', 'warehouse'] },
  { path: '/warehouse/pack/:no', component: PackStation, roles: ['admin', 'warehouse'] },
  { path: '/users', component: UsersScreen, roles: ['admin'] },
  { path: '/settings', component: SettingsScreen, roles: ['admin'] },
  { path: '/settings/:tab', component: SettingsScreen, roles: ['admin'] },
  { path: '/inventory', component: InventoryScreen, roles: ['admin', 'warehouse', 'reviewer'] },
  { path: '/inventory/:tab', component: InventoryScreen, roles: ['admin', 'warehouse', 'reviewer'] },
  { path: '/dashboard', component: Dashboard, roles: ['admin', 'reviewer', 'warehouse', 'customer_service', 'finance'] },
];

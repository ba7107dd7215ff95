// Every screen of the console: its path, the roles that see it in the menu (the server
// decides what they may actually do), and its component. One line per screen.
import { SignedInHome } from './home.jsx';
import { Orders } from './orders.jsx';
import { OrderDetail } from './orders_detail.jsx';
import { Review } from './review.jsx';

export const screens = [
  { path: '/', component: SignedInHome, roles: null },
  { path: '/orders', component: Orders, roles: ['admin', 'reviewer', 'warehouse', 'customer_service', 'finance'] },
  { path: '/orders/:no', component: OrderDetail, roles: ['admin', 'reviewer', 'warehouse', 'customer_service', 'finance'] },
  { path: '/review', component: Review, roles: ['admin', 'reviewer'] },
];

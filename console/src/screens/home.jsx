// Where a user lands after signing in: the screen of their daily work (the warehouse goes
// to its waves, not to figures), else the first screen their role has in the menu.
import { useEffect } from 'preact/hooks';
import { navigate } from '../router.js';
import { menuFor } from '../menu.js';

const landing = { warehouse: '/warehouse' };

export function SignedInHome({ session }) {
  useEffect(() => {
    const first = landing[session.role] || menuFor(session.role)[0]?.path;
    if (first) navigate(first);
  }, [session.role]);
  return null;
}

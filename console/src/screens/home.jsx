// Where a user lands after signing in: the first screen their role has in the menu.
import { useEffect } from 'preact/hooks';
import { navigate } from '../router.js';
import { menuFor } from '../menu.js';

export function SignedInHome({ session }) {
  useEffect(() => {
    const first = menuFor(session.role)[0];
    if (first) navigate(first.path);
  }, [session.role]);
  return null;
}

import { z } from 'zod';

// The console is served with script-src 'self': no eval. zod decides when each schema is built whether to compile
// a fast parser with eval (probing for it, which the browser reports as a policy violation); turned off here,
// before any schema exists, because main.tsx imports this module first.
z.config({ jitless: true });

import { api } from './api/client';
import { createRelayStore } from './store/relay-store';

/** The app's store instances, bound to the one api client. */
export const useRelayStore = createRelayStore(api);

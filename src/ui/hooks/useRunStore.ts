import { createContext, useContext, useSyncExternalStore } from 'react';
import type { RunStore } from '../state/runStore.js';

export const RunStoreContext = createContext<RunStore | undefined>(undefined);

/** The run store, re-rendering the caller whenever the run changes. */
export const useRunStore = (): RunStore => {
  const store = useContext(RunStoreContext);
  if (!store) throw new Error('useRunStore outside <RunStoreContext.Provider>');
  useSyncExternalStore(store.subscribe, store.getVersion);
  return store;
};

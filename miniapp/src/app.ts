import type { PropsWithChildren } from 'react';
import { useLaunch } from '@tarojs/taro';
import { startTracking } from './services/tracking';
import './app.css';

function App({ children }: PropsWithChildren) {
  useLaunch(() => startTracking());
  return children;
}

export default App;

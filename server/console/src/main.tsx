import './no-eval';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { ConsoleApp } from './ConsoleApp';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#c2410c', borderRadius: 6 } }}>
      <AntApp>
        <BrowserRouter basename="/console">
          <ConsoleApp />
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';
import './styles/layout.css';
import './styles/cards.css';
import './styles/dashboard.css';
import './styles/charts.css';
import './styles/forms.css';
import './styles/logs.css';
import './styles/reports.css';
import './styles/fleet.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

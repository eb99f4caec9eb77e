import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './theme.css';
import './styles.css';
import './actions.css';
import './responsive.css';
import { takeTokenFromAddress } from './api/token';
import { App } from './app';

// boot.ts (run before this module) took a #token= from the address and sent the first request.
// A #token= link opened in a tab that already shows the page signs in too.
window.addEventListener('hashchange', () => /token=/.test(location.hash) && takeTokenFromAddress());
createRoot(document.getElementById('root')!).render(<App />);

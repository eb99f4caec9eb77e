import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { takeTokenFromAddress } from './api/token';
import { App } from './app';

// Before anything renders or requests: a #token= in the address is stored and erased at once.
takeTokenFromAddress();
// A #token= link opened in a tab that already shows the page signs in too.
window.addEventListener('hashchange', () => /token=/.test(location.hash) && takeTokenFromAddress());
createRoot(document.getElementById('root')!).render(<App />);

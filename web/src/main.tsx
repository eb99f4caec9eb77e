import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { takeTokenFromAddress } from './api/token';
import { App } from './app';

// Before anything renders or requests: a #token= in the address is stored and erased at once.
takeTokenFromAddress();
createRoot(document.getElementById('root')!).render(<App />);

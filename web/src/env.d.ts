// esbuild bundles imported stylesheets into the hashed CSS file.
declare module '*.css';

// The example's entry: the shop's settings from the URL, the app in StrictMode.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, settingsFrom } from "./App";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App settings={settingsFrom(location.search)} />
  </StrictMode>,
);

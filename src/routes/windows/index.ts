import { createRouter } from "../../app/create-app";
import {
  createWindowHandler,
  deleteWindowHandler,
  getWindowHandler,
  listWindowsHandler,
  patchWindowHandler,
} from "./handlers";
import { createWindow, deleteWindow, getWindow, listWindows, patchWindow } from "./routes";

export const windowsRouter = createRouter()
  .openapi(listWindows, listWindowsHandler)
  .openapi(createWindow, createWindowHandler)
  .openapi(getWindow, getWindowHandler)
  .openapi(patchWindow, patchWindowHandler)
  .openapi(deleteWindow, deleteWindowHandler);

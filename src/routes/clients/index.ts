import { createRouter } from "../../app/create-app";
import {
  createClientHandler,
  deleteClientHandler,
  getClientHandler,
  listClientsHandler,
  patchClientHandler,
} from "./handlers";
import { createClient, deleteClient, getClient, listClients, patchClient } from "./routes";

export const clientsRouter = createRouter()
  .openapi(listClients, listClientsHandler)
  .openapi(createClient, createClientHandler)
  .openapi(getClient, getClientHandler)
  .openapi(patchClient, patchClientHandler)
  .openapi(deleteClient, deleteClientHandler);

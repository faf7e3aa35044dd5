import { createRouter } from "../../app/create-app";
import {
  createProjectHandler,
  deleteProjectHandler,
  getProjectHandler,
  listProjectsHandler,
  patchProjectHandler,
} from "./handlers";
import { createProject, deleteProject, getProject, listProjects, patchProject } from "./routes";

export const projectsRouter = createRouter()
  .openapi(listProjects, listProjectsHandler)
  .openapi(createProject, createProjectHandler)
  .openapi(getProject, getProjectHandler)
  .openapi(patchProject, patchProjectHandler)
  .openapi(deleteProject, deleteProjectHandler);

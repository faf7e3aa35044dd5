import { createRouter } from "../../app/create-app";
import {
  createMemberHandler,
  getMemberHandler,
  listMembersHandler,
  patchMemberHandler,
  removeMemberHandler,
  revokeMemberLinksHandler,
} from "./handlers";
import { createMember, getMember, listMembers, patchMember, removeMember, revokeMemberLinks } from "./routes";

export const membersRouter = createRouter()
  .openapi(listMembers, listMembersHandler)
  .openapi(createMember, createMemberHandler)
  .openapi(getMember, getMemberHandler)
  .openapi(patchMember, patchMemberHandler)
  .openapi(removeMember, removeMemberHandler)
  .openapi(revokeMemberLinks, revokeMemberLinksHandler);

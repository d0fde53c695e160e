import { graphql } from '../gql/index.ts';

// The session every page shares: setup state, the signed-in user, sign-out, new workspaces. Codegen reads this file and types each document.

export const SetupQuery = graphql(`
  query Setup {
    setup {
      needsOwner
      signupPolicy
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      id
      email
      name
      workspaces {
        id
        name
        role
      }
    }
  }
`);

export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

export const CreateWorkspaceMutation = graphql(`
  mutation CreateWorkspace($name: String!) {
    createWorkspace(name: $name) {
      id
      name
      role
    }
  }
`);

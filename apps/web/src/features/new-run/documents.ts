import { graphql } from '../../gql/index.ts';

// The New run form. Codegen reads this file and types each document.

export const CreateRunMutation = graphql(`
  mutation CreateRun($input: CreateRunInput!) {
    createRun(input: $input) {
      id
    }
  }
`);

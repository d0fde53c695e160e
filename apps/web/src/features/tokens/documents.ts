import { graphql } from '../../gql/index.ts';

// API tokens. Codegen reads this file and types each document.

export const ApiTokensQuery = graphql(`
  query ApiTokens {
    apiTokens {
      id
      name
      role
      createdAt
      lastUsedAt
    }
  }
`);

export const CreateApiTokenMutation = graphql(`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        id
        name
        role
        createdAt
      }
    }
  }
`);

export const RevokeApiTokenMutation = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id)
  }
`);

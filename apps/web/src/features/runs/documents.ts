import { graphql } from '../../gql/index.ts';

// The Runs page: the history rows, their live updates, and the actions on selected runs. Codegen reads this file and types each document.

// The row of the history list. Live updates (one per stored frame) carry only this and the three
// thumbnails, not the frame list, so a long run does not resend every frame URL with every frame.
export const RunRowFields = graphql(`
  fragment RunRowFields on Run {
    id
    name
    status
    model
    steps
    method
    easing
    spacing
    width
    height
    fit
    precision
    seed
    tags
    error
    framesDone
    createdAt
    startedAt
    finishedAt
    createdBy {
      id
      name
      email
    }
    noise {
      level
      mode
      schedule
      shared
    }
    animation {
      fps
      loop
    }
  }
`);

export const RunSummaryFields = graphql(`
  fragment RunSummaryFields on Run {
    ...RunRowFields
    thumbnails {
      index
      thumbnailUrl
    }
  }
`);

export const RunsQuery = graphql(`
  query Runs($first: Int!, $after: String, $filter: RunsFilter, $sort: RunSort) {
    runs(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      hasNextPage
      endCursor
      nodes {
        ...RunSummaryFields
      }
    }
  }
`);

export const RunUpdatesSubscription = graphql(`
  subscription RunUpdates {
    runUpdates {
      kind
      runId
      run {
        ...RunSummaryFields
      }
    }
  }
`);

export const DeleteRunMutation = graphql(`
  mutation DeleteRun($id: ID!) {
    deleteRun(id: $id)
  }
`);

export const TagRunMutation = graphql(`
  mutation TagRun($id: ID!, $tags: [String!]!) {
    tagRun(id: $id, tags: $tags) {
      id
      tags
    }
  }
`);

export const ModelsQuery = graphql(`
  query Models {
    models {
      name
      description
      weightsAvailable
    }
  }
`);

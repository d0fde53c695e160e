import { graphql } from '../../gql/index.ts';

// One run: its frames, live progress, and the actions of the run page. Codegen reads this file and types each document.

export const RunDetailFields = graphql(`
  fragment RunDetailFields on Run {
    ...RunSummaryFields
    presetId
    notes
    encodeMs
    totalMs
    keyframes {
      id
      url
      thumbnailUrl
      originalName
      width
      height
    }
    frames(first: 1000) {
      nodes {
        index
        alpha
        noiseLevel
        url
        thumbnailUrl
        width
        height
        decodeMs
        change
        createdAt
      }
    }
    downloads {
      framesZip
      animationWebp
      animationGif
      contactSheet
    }
  }
`);

export const RunQuery = graphql(`
  query Run($id: ID!) {
    run(id: $id) {
      ...RunDetailFields
    }
  }
`);

export const RunProgressSubscription = graphql(`
  subscription RunProgress($runId: ID!) {
    runProgress(runId: $runId) {
      kind
      runId
      status
      error
      index
      alpha
      noiseLevel
      url
      thumbnailUrl
      decodeMs
      change
      done
      total
    }
  }
`);

export const CancelRunMutation = graphql(`
  mutation CancelRun($id: ID!) {
    cancelRun(id: $id) {
      id
      status
    }
  }
`);

export const RerunMutation = graphql(`
  mutation Rerun($id: ID!, $overrides: RerunInput) {
    rerun(id: $id, overrides: $overrides) {
      id
    }
  }
`);

export const UntagRunMutation = graphql(`
  mutation UntagRun($id: ID!, $tags: [String!]!) {
    untagRun(id: $id, tags: $tags) {
      id
      tags
    }
  }
`);

export const UpdateRunNotesMutation = graphql(`
  mutation UpdateRunNotes($id: ID!, $notes: String!) {
    updateRunNotes(id: $id, notes: $notes) {
      id
      notes
    }
  }
`);

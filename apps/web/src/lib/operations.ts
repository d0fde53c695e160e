import { graphql } from '../gql/index.ts';

// Every operation the dashboard sends. Codegen reads this file and types each document.

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

export const UpdateRunNotesMutation = graphql(`
  mutation UpdateRunNotes($id: ID!, $notes: String!) {
    updateRunNotes(id: $id, notes: $notes) {
      id
      notes
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

export const CreateRunMutation = graphql(`
  mutation CreateRun($input: CreateRunInput!) {
    createRun(input: $input) {
      id
    }
  }
`);

export const ImageFields = graphql(`
  fragment ImageFields on Image {
    id
    url
    thumbnailUrl
    originalName
    mimeType
    width
    height
    byteSize
    createdAt
  }
`);

export const ImagesQuery = graphql(`
  query Images($first: Int!, $after: String) {
    images(first: $first, after: $after) {
      totalCount
      hasNextPage
      endCursor
      nodes {
        ...ImageFields
      }
    }
  }
`);

export const UploadImageMutation = graphql(`
  mutation UploadImage($file: Upload!) {
    uploadImage(file: $file) {
      created
      image {
        ...ImageFields
      }
    }
  }
`);

export const DeleteImageMutation = graphql(`
  mutation DeleteImage($id: ID!) {
    deleteImage(id: $id)
  }
`);

export const RunsUsingImageQuery = graphql(`
  query RunsUsingImage($imageId: ID!) {
    runs(first: 100, filter: { imageId: $imageId }) {
      totalCount
      nodes {
        id
        name
        status
      }
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

export const NoisePresetFields = graphql(`
  fragment NoisePresetFields on NoisePreset {
    id
    name
    level
    mode
    schedule
    shared
    description
    builtIn
  }
`);

export const NoisePresetsQuery = graphql(`
  query NoisePresets {
    noisePresets {
      ...NoisePresetFields
    }
  }
`);

export const CreateNoisePresetMutation = graphql(`
  mutation CreateNoisePreset($input: NoisePresetInput!) {
    createNoisePreset(input: $input) {
      ...NoisePresetFields
    }
  }
`);

export const UpdateNoisePresetMutation = graphql(`
  mutation UpdateNoisePreset($id: ID!, $input: NoisePresetUpdateInput!) {
    updateNoisePreset(id: $id, input: $input) {
      ...NoisePresetFields
    }
  }
`);

export const DeleteNoisePresetMutation = graphql(`
  mutation DeleteNoisePreset($id: ID!) {
    deleteNoisePreset(id: $id)
  }
`);

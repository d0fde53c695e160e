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
    createdBy {
      id
      name
    }
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
    createdBy {
      id
      name
    }
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

// Accounts, workspaces, members and API tokens.

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

export const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      user {
        id
        name
      }
    }
  }
`);

export const SignInMutation = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      user {
        id
        name
      }
    }
  }
`);

export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input)
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

export const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($token: String!) {
    acceptInvitation(token: $token) {
      id
      name
      role
    }
  }
`);

export const MembersQuery = graphql(`
  query Members($workspaceId: ID!) {
    members(workspaceId: $workspaceId) {
      user {
        id
        email
        name
      }
      role
      joinedAt
    }
  }
`);

export const InviteMemberMutation = graphql(`
  mutation InviteMember($workspaceId: ID!, $role: Role!) {
    inviteMember(workspaceId: $workspaceId, role: $role) {
      id
      token
      url
      role
      expiresAt
    }
  }
`);

export const InvitationsQuery = graphql(`
  query Invitations($workspaceId: ID!) {
    invitations(workspaceId: $workspaceId) {
      id
      role
      createdAt
      expiresAt
      createdBy {
        id
        name
      }
    }
  }
`);

export const RevokeInvitationMutation = graphql(`
  mutation RevokeInvitation($workspaceId: ID!, $id: ID!) {
    revokeInvitation(workspaceId: $workspaceId, id: $id)
  }
`);

export const UpdateMemberRoleMutation = graphql(`
  mutation UpdateMemberRole($workspaceId: ID!, $userId: ID!, $role: Role!) {
    updateMemberRole(workspaceId: $workspaceId, userId: $userId, role: $role) {
      role
      user {
        id
      }
    }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($workspaceId: ID!, $userId: ID!) {
    removeMember(workspaceId: $workspaceId, userId: $userId)
  }
`);

export const LeaveWorkspaceMutation = graphql(`
  mutation LeaveWorkspace($workspaceId: ID!) {
    leaveWorkspace(workspaceId: $workspaceId)
  }
`);

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

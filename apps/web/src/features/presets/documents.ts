import { graphql } from '../../gql/index.ts';

// Noise presets. Codegen reads this file and types each document.

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

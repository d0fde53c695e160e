import { graphql } from '../../gql/index.ts';

// The image library and uploads. Codegen reads this file and types each document.

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

// Messages on the pipeline queue. The consumer runs every stage of the photo that is not completed yet.

export type PipelineMessage = {
  type: 'photo.process';
  libraryId: string;
  photoId: string;
};

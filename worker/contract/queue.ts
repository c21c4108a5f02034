// Messages on the pipeline queue. A union so the consumer switches on `type` exhaustively.

export type PipelineMessage = {
  type: 'photo.process';
  libraryId: string;
  photoId: string;
  /** Stages to run; absent means every stage that is not completed yet. */
  stages?: string[];
};

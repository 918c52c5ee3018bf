// A TypeScript user's file: type-checked against the package's .d.ts with skipLibCheck false.
import {
  analyze,
  AUModel,
  SAMPLE_VIDEO,
  serveWebSocket,
  type AnalysisRecord,
  type AnalyzeOptions,
  type FrameResult,
  type WebSocketServerHandle,
} from 'auformer-stream';

const options: AnalyzeOptions = { source: { fps: 5 }, smooth: { method: 'ema' } };
const model: Promise<AUModel> = AUModel.create('my-auformer.onnx', { maxBatch: 8 });
const server: Promise<WebSocketServerHandle> = serveWebSocket({ port: 0, host: '127.0.0.1' });
analyze(SAMPLE_VIDEO, options).subscribe((r: AnalysisRecord) => {
  if (r.type === 'frame') {
    const frame: FrameResult = r;
    const au12: number | undefined = frame.faces[0]?.aus['AU12'];
    console.log(frame.ptsMs, au12);
  }
});
export { model, server };

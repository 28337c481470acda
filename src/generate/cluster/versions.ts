// The platform layer's pins live in the one versions file, src/model/versions.ts.
export {
  CHARTS,
  IMAGES,
  chartPin,
  imageRef,
  type ChartName,
  type ChartPin,
  type ImageName,
  type ImagePin,
} from "../../model/versions.js";

// Names and kinds of a load balancer's frontends, shared by HAProxy's config, the alert rules that
// read HAProxy's metrics by frontend, and the exposure facts.
import type { Frontend, LoadBalancer } from "../model/model.js";
import { K3S_API_PORT } from "./ports.js";

/** The Kubernetes API is never published on a public segment, whatever the frontend list says. */
export const isApiFrontend = (f: Frontend): boolean =>
  f.backends === "k3s-servers" && f.backendPort === K3S_API_PORT;

/** HAProxy's frontend (and backend) name: what its metrics are labelled with. */
export const frontendName = (lb: LoadBalancer, f: Frontend): string => `${lb.name}_${f.port}`;

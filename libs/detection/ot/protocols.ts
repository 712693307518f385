// Protocol names, their usual transports and ports, and how a conduit's protocol matches a flow.

export const TRANSPORTS = new Set(['tcp', 'udp', 'icmp', 'sctp']);

interface AppProtocolSpec {
  transports: string[];
  ports: number[];
  label: string;
}

/** Well-known ports: used when the sensor did not identify the application protocol. */
export const APP_PROTOCOLS: Record<string, AppProtocolSpec> = {
  modbus: { transports: ['tcp', 'udp'], ports: [502], label: 'Modbus' },
  dnp3: { transports: ['tcp', 'udp'], ports: [20000], label: 'DNP3' },
  enip: { transports: ['tcp', 'udp'], ports: [44818, 2222], label: 'EtherNet/IP' },
  s7comm: { transports: ['tcp'], ports: [102], label: 'S7comm' },
  bacnet: { transports: ['udp'], ports: [47808], label: 'BACnet' },
  iec104: { transports: ['tcp'], ports: [2404], label: 'IEC 60870-5-104' },
  opcua: { transports: ['tcp'], ports: [4840], label: 'OPC UA' },
  ssh: { transports: ['tcp'], ports: [22], label: 'SSH' },
  telnet: { transports: ['tcp'], ports: [23], label: 'Telnet' },
  rdp: { transports: ['tcp', 'udp'], ports: [3389], label: 'RDP' },
  vnc: { transports: ['tcp'], ports: [5900, 5901, 5902, 5903], label: 'VNC' },
  teamviewer: { transports: ['tcp', 'udp'], ports: [5938], label: 'TeamViewer' },
  anydesk: { transports: ['tcp'], ports: [7070], label: 'AnyDesk' },
  http: { transports: ['tcp'], ports: [80], label: 'HTTP' },
  https: { transports: ['tcp'], ports: [443], label: 'HTTPS' },
};

const ALIASES: Record<string, string> = {
  modbustcp: 'modbus',
  mbtcp: 'modbus',
  cip: 'enip',
  ethernetip: 'enip',
  s7: 's7comm',
  s7commplus: 's7comm',
  dnp3tcp: 'dnp3',
  dnp3udp: 'dnp3',
  iec608705104: 'iec104',
  rfb: 'vnc',
  ssl: 'tls',
};

/** Lower-cases and strips punctuation: "Modbus_TCP" → "modbus", "EtherNet/IP" → "enip". */
export function canonicalProtocol(name: string): string {
  const flat = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return ALIASES[flat] ?? flat;
}

/** Zeek's conn `service` can list several analyzers ("cotp,s7comm"). */
export function appProtocolsOf(appProtocol: string | null | undefined): string[] {
  if (!appProtocol) return [];
  return appProtocol
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map(canonicalProtocol);
}

export function protocolLabel(name: string | null | undefined): string {
  if (!name) return 'network';
  const canonical = canonicalProtocol(name);
  return APP_PROTOCOLS[canonical]?.label ?? name;
}

export interface FlowView {
  transport: string | null;
  appProtocol: string | null;
  dstPort: number | null;
}

/**
 * The flow's transport; when the sensor left it out, the application protocol's usual transport
 * (the first listed: Modbus and DNP3 run on TCP far more often than UDP).
 */
export function transportOf(flow: FlowView): string | null {
  if (flow.transport) return flow.transport.toLowerCase();
  for (const app of appProtocolsOf(flow.appProtocol)) {
    const spec = APP_PROTOCOLS[app];
    if (spec) return spec.transports[0];
  }
  return null;
}

/**
 * Whether a conduit's protocol and ports admit a flow (direction is checked by the caller).
 * - 'any': every flow (on the listed ports when ports are given).
 * - a transport ('tcp'): the flow's transport, on the listed ports (so tcp/502 admits Modbus on 502).
 * - an application protocol ('modbus'): the sensor said so (appProtocol), on the listed ports if
 *   any; or, when the sensor did not name the application, the protocol's transport on its
 *   well-known port (or on the conduit's ports when given).
 */
export function conduitAdmits(protocol: string, ports: number[] | null, flow: FlowView): boolean {
  const wanted = canonicalProtocol(protocol);
  const portListed = (list: number[]) => flow.dstPort !== null && list.includes(flow.dstPort);
  const portOk = ports === null || portListed(ports);
  if (wanted === 'any') return portOk;
  if (TRANSPORTS.has(wanted)) return transportOf(flow) === wanted && portOk;

  const apps = appProtocolsOf(flow.appProtocol);
  if (apps.length > 0) return apps.includes(wanted) && portOk;

  const spec = APP_PROTOCOLS[wanted];
  if (!spec) return false;
  const transport = transportOf(flow);
  if (transport !== null && !spec.transports.includes(transport)) return false;
  return portListed(ports ?? spec.ports);
}

export interface RemoteService {
  service: string;
  label: string;
}

const REMOTE_APPS = new Set(['ssh', 'telnet', 'rdp', 'vnc', 'teamviewer', 'anydesk']);
// Applications that do not contradict a remote-access port (TeamViewer and AnyDesk look like TLS).
const NEUTRAL_APPS = new Set(['tls', 'https']);

/**
 * The remote-access service a flow uses, by application protocol name or by destination port.
 * A port is trusted only when the sensor did not name a different application for the flow.
 */
export function remoteServiceOf(flow: FlowView): RemoteService | null {
  const apps = appProtocolsOf(flow.appProtocol);
  for (const app of apps) {
    if (REMOTE_APPS.has(app)) return { service: app, label: APP_PROTOCOLS[app].label };
  }
  if (apps.some((a) => !NEUTRAL_APPS.has(a)) || flow.dstPort === null) return null;
  const transport = transportOf(flow);
  for (const app of REMOTE_APPS) {
    const spec = APP_PROTOCOLS[app];
    if (!spec.ports.includes(flow.dstPort)) continue;
    if (transport !== null && !spec.transports.includes(transport)) continue;
    return { service: app, label: spec.label };
  }
  return null;
}

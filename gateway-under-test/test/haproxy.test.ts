import { peerForTests } from '../process/peer-for-tests.ts';
import { startHaproxy } from '../haproxy/start-haproxy.ts';
import { describePeerGateway } from './support/describe-peer-gateway.ts';

const peer = peerForTests('haproxy');

describePeerGateway('HAProxy 2.6 jwt_verify', peer, (common, issuer) =>
  startHaproxy({ ...common, binary: peer.path, publicKeyFile: issuer.publicKeyFile }),
);

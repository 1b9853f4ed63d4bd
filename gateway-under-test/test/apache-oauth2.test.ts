import { MOD_OAUTH2, startApacheOauth2 } from '../apache-oauth2/start-apache-oauth2.ts';
import { peerForTests } from '../process/peer-for-tests.ts';
import { describePeerGateway } from './support/describe-peer-gateway.ts';

const peer = peerForTests('apache2', {
  requiredFiles: [MOD_OAUTH2],
  hint: 'apt-get install apache2 libapache2-mod-oauth2',
});

// ssl_verify=false: liboauth2 1.4.5 has no CA-bundle option (liboauth2 README).
describePeerGateway('Apache mod_oauth2', peer, (common, issuer) =>
  startApacheOauth2({ ...common, binary: peer.path, jwksUri: issuer.jwksUri, sslVerify: false }),
);

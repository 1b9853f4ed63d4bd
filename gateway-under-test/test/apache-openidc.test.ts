import { MOD_AUTH_OPENIDC, startApacheOpenidc } from '../apache-openidc/start-apache-openidc.ts';
import { peerForTests } from '../process/peer-for-tests.ts';
import { describePeerGateway } from './support/describe-peer-gateway.ts';

const peer = peerForTests('apache2', {
  requiredFiles: [MOD_AUTH_OPENIDC],
  hint: 'apt-get install apache2 libapache2-mod-auth-openidc',
});

describePeerGateway('Apache mod_auth_openidc (AuthType oauth20)', peer, (common, issuer) =>
  startApacheOpenidc({ ...common, binary: peer.path, jwksUri: issuer.jwksUri, caBundleFile: issuer.caFile }),
);

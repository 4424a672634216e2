import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { PRINCIPAL_HEADER, signPrincipal } from '@cmcc/contracts';
import type { Principal } from '@cmcc/contracts';

/**
 * A plain RemoteGraphQLDataSource that adds only what the subgraphs require of any caller: the principal, signed for
 * this subgraph and good for one request (the plain Apollo peer, and the critical-path measurement).
 */
export class SigningDataSource extends RemoteGraphQLDataSource {
  constructor(
    private readonly name: string,
    url: string,
    private readonly principal: Principal,
    private readonly secret: Uint8Array,
    fetcher?: Fetcher,
  ) {
    super(fetcher ? { url, fetcher } : { url });
  }

  override async willSendRequest({ request }: GraphQLDataSourceProcessOptions): Promise<void> {
    request.http?.headers.set(PRINCIPAL_HEADER, await signPrincipal(this.principal, this.secret, this.name));
  }
}

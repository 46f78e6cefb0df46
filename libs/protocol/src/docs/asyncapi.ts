/**
 * The published Kafka contract (AsyncAPI 3.0): one channel per topic, one message per event type,
 * per request/reply and per ingress record, generated from the same schemas the services validate
 * with.
 */
import { z } from 'zod';
import { eventCatalog, ingressCatalog, rpcCatalog } from '../catalog';
import { CloudEventHeader, JSON_CONTENT_TYPE } from '../envelope';
import type { EventDefinition } from '../events';
import type { IngressRecordDefinition } from '../ingress';
import { RpcErrorReply, type RpcDefinition } from '../rpc';
import {
  IngressTopic,
  deadLetterTopicOf,
  replyTopicOf,
  topicCatalog,
  type TopicSpec,
} from '../topics';
import { jsonSchemaOf, type JsonSchema } from './json-schema';

const KAFKA_BINDING_VERSION = '0.5.0';

export interface AsyncApiOptions {
  /** Broker address shown in the document; defaults to a local developer broker. */
  kafkaHost?: string;
  version?: string;
}

type Channel = {
  address: string;
  description: string;
  messages: Record<string, { $ref: string }>;
  bindings: Record<string, unknown>;
};

export function buildAsyncApiDocument(opts: AsyncApiOptions = {}): Record<string, unknown> {
  const channels: Record<string, Channel> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const topic of topicCatalog) {
    channels[topic.name] = {
      address: topic.name,
      description: describeTopic(topic.name),
      messages: {},
      bindings: { kafka: topicBinding(topic) },
    };
  }
  const channelOf = (name: string): Channel => {
    const channel = channels[name];
    if (!channel)
      throw new Error(`Topic ${name} is used by a message but missing from topicCatalog`);
    return channel;
  };

  for (const def of eventCatalog) {
    messages[def.type] = eventMessage(def);
    const ref = { $ref: `#/components/messages/${def.type}` };
    channelOf(def.topic).messages[def.type] = ref;
    // Records that fail validation are parked as they were, so the DLQ carries the same messages.
    const deadLetters = channels[deadLetterTopicOf(def.topic)];
    if (deadLetters) deadLetters.messages[def.type] = ref;
    operations[`publish.${def.type}`] = {
      action: 'send',
      title: `Publish ${def.type}`,
      summary: def.description,
      channel: { $ref: `#/channels/${def.topic}` },
      messages: [{ $ref: `#/channels/${def.topic}/messages/${def.type}` }],
    };
  }

  for (const def of ingressCatalog) {
    messages[def.name] = ingressMessage(def);
    const ref = { $ref: `#/components/messages/${def.name}` };
    channelOf(def.topic).messages[def.name] = ref;
    const deadLetters = channels[deadLetterTopicOf(def.topic)];
    if (deadLetters) deadLetters.messages[def.name] = ref;
    operations[`publish.${def.name}`] = {
      action: 'send',
      title: `Publish ${def.name}`,
      summary: def.description,
      channel: { $ref: `#/channels/${def.topic}` },
      messages: [{ $ref: `#/channels/${def.topic}/messages/${def.name}` }],
    };
  }

  for (const def of rpcCatalog) {
    const requestId = `${def.pattern}.request`;
    const replyId = `${def.pattern}.reply`;
    const replyTopic = replyTopicOf(def.pattern);
    messages[requestId] = rpcRequestMessage(def);
    messages[replyId] = rpcReplyMessage(def);
    channelOf(def.pattern).messages[requestId] = { $ref: `#/components/messages/${requestId}` };
    channelOf(replyTopic).messages[replyId] = { $ref: `#/components/messages/${replyId}` };
    operations[`request.${def.pattern}`] = {
      action: 'send',
      title: `Request ${def.pattern}`,
      summary: def.description,
      channel: { $ref: `#/channels/${def.pattern}` },
      messages: [{ $ref: `#/channels/${def.pattern}/messages/${requestId}` }],
      reply: {
        channel: { $ref: `#/channels/${replyTopic}` },
        messages: [{ $ref: `#/channels/${replyTopic}/messages/${replyId}` }],
      },
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'MCP events and requests',
      version: opts.version ?? '1.0.0',
      description:
        'Events are CloudEvents 1.0 in the Kafka binary mode: context attributes in ce_* headers, ' +
        'JSON data as the record value, the partition key as the record key. Requests follow the ' +
        'NestJS Kafka request/reply convention (answers on <pattern>.reply).',
    },
    defaultContentType: JSON_CONTENT_TYPE,
    servers: {
      kafka: {
        host: opts.kafkaHost ?? 'localhost:9092',
        protocol: 'kafka',
        description: 'The Kafka cluster (KRaft) every MCP service shares.',
      },
    },
    channels,
    operations,
    components: { messages },
  };
}

const ingressTopics = new Set<string>(Object.values(IngressTopic));

function describeTopic(name: string): string {
  if (ingressTopics.has(name)) {
    return (
      `Written by tenants' own Kafka clients (in production their principals may only write ` +
      `and describe it) and read by the gateway alone, which vets each record's credential. ` +
      `The broker stamps each record (message.timestamp.type LogAppendTime).`
    );
  }
  if (name.endsWith('.dlq') && ingressTopics.has(name.slice(0, -'.dlq'.length))) {
    return `Dead letters of ${name.slice(0, -'.dlq'.length)}: records the gateway could not vet, with the reason; the credential header is removed before a record is parked.`;
  }
  if (name.endsWith('.dlq')) {
    return `Dead letters of ${name.slice(0, -'.dlq'.length)}: records a consumer could not process, kept with the reason for inspection and replay.`;
  }
  if (name.endsWith('.reply')) return `Replies to ${name.slice(0, -'.reply'.length)}.`;
  if (name.includes('.rpc.'))
    return `Requests to ${name}; the answer goes to ${replyTopicOf(name)}.`;
  return `Events of the ${name.split('.')[1]} service.`;
}

function topicBinding(topic: TopicSpec): Record<string, unknown> {
  const topicConfiguration: Record<string, unknown> = {
    'cleanup.policy': [topic.compacted ? 'compact' : 'delete'],
  };
  if (topic.retentionMs !== undefined) topicConfiguration['retention.ms'] = topic.retentionMs;
  return {
    topic: topic.name,
    partitions: topic.partitions,
    topicConfiguration,
    bindingVersion: KAFKA_BINDING_VERSION,
  };
}

const traceparent = {
  type: 'string',
  description: 'W3C trace context of the producing span',
};

function eventMessage(def: EventDefinition): Record<string, unknown> {
  const headerProperties: Record<string, JsonSchema> = {
    [CloudEventHeader.SpecVersion]: { type: 'string', const: '1.0' },
    [CloudEventHeader.Id]: {
      type: 'string',
      description: 'Unique per event; consumers dedupe by it',
    },
    [CloudEventHeader.Source]: { type: 'string', const: def.source },
    [CloudEventHeader.Type]: { type: 'string', const: def.type },
    [CloudEventHeader.Time]: { type: 'string', format: 'date-time' },
    [CloudEventHeader.Tenant]: { type: 'string', description: 'The tenant the event belongs to' },
    [CloudEventHeader.ContentType]: { type: 'string', const: JSON_CONTENT_TYPE },
    traceparent,
  };
  const required: string[] = [
    CloudEventHeader.SpecVersion,
    CloudEventHeader.Id,
    CloudEventHeader.Source,
    CloudEventHeader.Type,
    CloudEventHeader.Time,
    CloudEventHeader.ContentType,
  ];
  if (def.subjectOf) {
    headerProperties[CloudEventHeader.Subject] = {
      type: 'string',
      description: 'The entity the event is about',
    };
    required.push(CloudEventHeader.Subject);
  }
  return {
    name: def.type,
    title: def.type,
    summary: def.description,
    contentType: JSON_CONTENT_TYPE,
    headers: { type: 'object', properties: headerProperties, required },
    payload: jsonSchemaOf(def.schema, 'output', 'draft-07'),
    bindings: {
      kafka: {
        key: {
          type: 'string',
          description: `Partition key: ${def.partitionKeyDescription ?? 'see the event definition'}; one entity's events stay in order.`,
        },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    'x-cloudevents-type': def.type,
  };
}

function ingressMessage(def: IngressRecordDefinition): Record<string, unknown> {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, description] of Object.entries(def.headers)) {
    properties[name] = { type: 'string', description };
  }
  return {
    name: def.name,
    title: def.name,
    summary: def.description,
    contentType: JSON_CONTENT_TYPE,
    headers: { type: 'object', properties, required: Object.keys(def.headers) },
    payload: jsonSchemaOf(def.schema, 'input', 'draft-07'),
    bindings: {
      kafka: {
        key: { type: 'string', description: `Record key: ${def.keyDescription}.` },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

const correlationId = {
  description: 'Set by the requester; the reply carries the same value.',
  location: '$message.header#/kafka_correlationId',
};

function rpcRequestMessage(def: RpcDefinition): Record<string, unknown> {
  return {
    name: `${def.pattern}.request`,
    title: `${def.pattern} request`,
    summary: def.description,
    contentType: JSON_CONTENT_TYPE,
    correlationId,
    headers: {
      type: 'object',
      properties: {
        kafka_correlationId: { type: 'string' },
        kafka_replyTopic: { type: 'string', const: replyTopicOf(def.pattern) },
        kafka_replyPartition: { type: 'string' },
        traceparent,
      },
      required: ['kafka_correlationId', 'kafka_replyTopic'],
    },
    payload: jsonSchemaOf(def.request, 'input', 'draft-07'),
  };
}

function rpcReplyMessage(def: RpcDefinition): Record<string, unknown> {
  return {
    name: `${def.pattern}.reply`,
    title: `${def.pattern} reply`,
    summary: `The answer to ${def.pattern}, or an error with a code when the service failed.`,
    contentType: JSON_CONTENT_TYPE,
    correlationId,
    headers: {
      type: 'object',
      properties: { kafka_correlationId: { type: 'string' } },
      required: ['kafka_correlationId'],
    },
    payload: jsonSchemaOf(z.union([def.reply, RpcErrorReply]), 'output', 'draft-07'),
  };
}

import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/** Unknown fields are refused, and the first message names the field path (`params.cpu`). */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const [field, message] = firstProblem(errors);
      return new BadRequestException({ message, field });
    },
  });
}

const MAX_DEPTH = 32;
/** Keys that address an object's prototype: never data, so refused wherever they appear. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * C0 controls other than tab, line feed and carriage return; DEL and the C1 controls; bidirectional
 * overrides and isolates (text that displays differently from what it says); the BOM inside text;
 * the interlinear annotation controls; noncharacters; and UTF-16 surrogates that are not paired
 * (they cannot be stored as UTF-8). Japanese, emoji (with joiners and variation selectors) and
 * every other assigned character pass.
 */
// eslint-disable-next-line no-control-regex
const HOSTILE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF\uFFF9-\uFFFB\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hostileCharacter(text: string): string | null {
  const match = HOSTILE.exec(text);
  if (!match) return null;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The first string (or key) with a hostile character, or a structure nested deeper than MAX_DEPTH.
 * The global AuthGuard applies it to every route's body, query and parameters (before the DTO
 * rules, so free-form parts such as `data` and `params` are covered too).
 */
export function findHostileText(value: unknown, root = ''): { field: string; message: string } | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  while (stack.length) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const found = hostileCharacter(current);
      if (found) return { field: path, message: `${path || 'the input'} contains a character that is not allowed (${found}) / 使用できない文字が含まれています` };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_DEPTH) return { field: path, message: `${path || 'the input'} is nested too deeply / 入れ子が深すぎます` };
    const entries: Array<[string, unknown]> = Array.isArray(current)
      ? current.map((item, i) => [`[${i}]`, item] as [string, unknown])
      : Object.entries(current as Record<string, unknown>);
    for (const [key, child] of entries.reverse()) {
      const childPath = key.startsWith('[') ? `${path}${key}` : path ? `${path}.${key}` : key;
      if (!key.startsWith('[')) {
        const inKey = hostileCharacter(key);
        if (inKey) return { field: path || 'body', message: `a field name contains a character that is not allowed (${inKey}) / 使用できない文字が含まれています` };
        if (RESERVED_KEYS.has(key)) return { field: childPath, message: `${childPath} is not a field that can be given / この項目名は使用できません` };
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

function firstProblem(errors: ValidationError[], prefix = ''): [string, string] {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      const [first] = Object.values(error.constraints);
      return [path, first.includes(error.property) ? first.replace(error.property, path) : `${path}: ${first}`];
    }
    if (error.children?.length) return firstProblem(error.children, path);
  }
  return ['body', 'The request is not valid'];
}
